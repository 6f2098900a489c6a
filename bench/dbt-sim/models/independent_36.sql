select 36 as model, 1.320 as cost, (select 1 from pg_sleep(1.320 * {{ var('time_scale', 1) }})) as slept
