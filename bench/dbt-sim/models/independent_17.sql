select 17 as model, 0.752 as cost, (select 1 from pg_sleep(0.752 * {{ var('time_scale', 1) }})) as slept
