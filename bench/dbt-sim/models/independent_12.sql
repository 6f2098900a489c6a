select 12 as model, 0.311 as cost, (select 1 from pg_sleep(0.311 * {{ var('time_scale', 1) }})) as slept
