select 13 as model, 0.148 as cost, (select 1 from pg_sleep(0.148 * {{ var('time_scale', 1) }})) as slept
