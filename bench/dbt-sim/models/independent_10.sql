select 10 as model, 0.347 as cost, (select 1 from pg_sleep(0.347 * {{ var('time_scale', 1) }})) as slept
