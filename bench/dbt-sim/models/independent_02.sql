select 2 as model, 0.697 as cost, (select 1 from pg_sleep(0.697 * {{ var('time_scale', 1) }})) as slept
