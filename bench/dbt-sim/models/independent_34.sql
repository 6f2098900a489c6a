select 34 as model, 0.831 as cost, (select 1 from pg_sleep(0.831 * {{ var('time_scale', 1) }})) as slept
