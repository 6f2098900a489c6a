select 'b' as chain, 4 as step, (select count(*) from {{ ref('chain_b_3') }}) as before, (select 1 from pg_sleep(0.300 * {{ var('time_scale', 1) }})) as slept
