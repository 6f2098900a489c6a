select 14 as model, 0.338 as cost, (select 1 from pg_sleep(0.338 * {{ var('time_scale', 1) }})) as slept
