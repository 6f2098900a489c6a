select 26 as model, 1.953 as cost, (select 1 from pg_sleep(1.953 * {{ var('time_scale', 1) }})) as slept
