select 24 as model, 2.570 as cost, (select 1 from pg_sleep(2.570 * {{ var('time_scale', 1) }})) as slept
