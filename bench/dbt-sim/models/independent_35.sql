select 35 as model, 0.364 as cost, (select 1 from pg_sleep(0.364 * {{ var('time_scale', 1) }})) as slept
