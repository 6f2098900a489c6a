select 21 as model, 0.199 as cost, (select 1 from pg_sleep(0.199 * {{ var('time_scale', 1) }})) as slept
