select 6 as model, 0.417 as cost, (select 1 from pg_sleep(0.417 * {{ var('time_scale', 1) }})) as slept
