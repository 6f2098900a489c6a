select 15 as model, 0.881 as cost, (select 1 from pg_sleep(0.881 * {{ var('time_scale', 1) }})) as slept
