select 30 as model, 0.137 as cost, (select 1 from pg_sleep(0.137 * {{ var('time_scale', 1) }})) as slept
