select 25 as model, 1.507 as cost, (select 1 from pg_sleep(1.507 * {{ var('time_scale', 1) }})) as slept
