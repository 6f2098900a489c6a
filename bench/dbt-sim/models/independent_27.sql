select 27 as model, 1.483 as cost, (select 1 from pg_sleep(1.483 * {{ var('time_scale', 1) }})) as slept
