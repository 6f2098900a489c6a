select 22 as model, 0.125 as cost, (select 1 from pg_sleep(0.125 * {{ var('time_scale', 1) }})) as slept
