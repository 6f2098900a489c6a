select 7 as model, 0.620 as cost, (select 1 from pg_sleep(0.620 * {{ var('time_scale', 1) }})) as slept
