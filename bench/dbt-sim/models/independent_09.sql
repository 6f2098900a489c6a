select 9 as model, 0.142 as cost, (select 1 from pg_sleep(0.142 * {{ var('time_scale', 1) }})) as slept
