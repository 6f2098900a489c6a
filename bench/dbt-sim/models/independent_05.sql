select 5 as model, 0.147 as cost, (select 1 from pg_sleep(0.147 * {{ var('time_scale', 1) }})) as slept
