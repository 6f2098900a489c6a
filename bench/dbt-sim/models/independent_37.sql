select 37 as model, 0.098 as cost, (select 1 from pg_sleep(0.098 * {{ var('time_scale', 1) }})) as slept
