select 16 as model, 0.458 as cost, (select 1 from pg_sleep(0.458 * {{ var('time_scale', 1) }})) as slept
