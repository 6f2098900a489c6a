select 'a' as chain, 1 as step, 0 as before, (select 1 from pg_sleep(0.300 * {{ var('time_scale', 1) }})) as slept
