select 19 as model, 0.122 as cost, (select 1 from pg_sleep(0.122 * {{ var('time_scale', 1) }})) as slept
