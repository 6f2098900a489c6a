select 28 as model, 0.271 as cost, (select 1 from pg_sleep(0.271 * {{ var('time_scale', 1) }})) as slept
