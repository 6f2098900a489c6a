select 39 as model, 0.253 as cost, (select 1 from pg_sleep(0.253 * {{ var('time_scale', 1) }})) as slept
