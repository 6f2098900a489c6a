select 33 as model, 0.157 as cost, (select 1 from pg_sleep(0.157 * {{ var('time_scale', 1) }})) as slept
