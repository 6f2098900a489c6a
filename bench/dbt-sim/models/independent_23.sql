select 23 as model, 0.454 as cost, (select 1 from pg_sleep(0.454 * {{ var('time_scale', 1) }})) as slept
