select 'b' as chain, 2 as step, (select count(*) from {{ ref('chain_b_1') }}) as before, (select 1 from pg_sleep(0.300 * {{ var('time_scale', 1) }})) as slept
