select 38 as model, 0.100 as cost, (select 1 from pg_sleep(0.100 * {{ var('time_scale', 1) }})) as slept
