select 8 as model, 0.112 as cost, (select 1 from pg_sleep(0.112 * {{ var('time_scale', 1) }})) as slept
