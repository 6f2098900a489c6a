select 1 as model, 0.344 as cost, (select 1 from pg_sleep(0.344 * {{ var('time_scale', 1) }})) as slept
