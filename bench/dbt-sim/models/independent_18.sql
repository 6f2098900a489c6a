select 18 as model, 0.233 as cost, (select 1 from pg_sleep(0.233 * {{ var('time_scale', 1) }})) as slept
