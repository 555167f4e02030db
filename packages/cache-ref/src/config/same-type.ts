/**
 * `true` only when `A` and `B` are the same type (each assignable to the other). A zod schema here and the
 * type @deployer/contracts owns are checked by `const _check: SameType<z.output<typeof Schema>, ContractType> = true`,
 * so a change to either side that the other does not follow fails to compile.
 */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
