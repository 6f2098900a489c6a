select 11 as model, 0.464 as cost, (select 1 from pg_sleep(0.464 * {{ var('time_scale', 1) }})) as slept
