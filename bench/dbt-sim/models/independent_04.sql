select 4 as model, 0.089 as cost, (select 1 from pg_sleep(0.089 * {{ var('time_scale', 1) }})) as slept
