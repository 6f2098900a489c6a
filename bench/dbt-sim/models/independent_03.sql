select 3 as model, 0.312 as cost, (select 1 from pg_sleep(0.312 * {{ var('time_scale', 1) }})) as slept
