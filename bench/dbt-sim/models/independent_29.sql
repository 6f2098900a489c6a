select 29 as model, 0.303 as cost, (select 1 from pg_sleep(0.303 * {{ var('time_scale', 1) }})) as slept
