// assembly/format.ts is compiled by tsc as well as by asc: these are the AssemblyScript types it
// names, as TypeScript sees them (a StaticArray is read-only data, indexed by number).
declare type i32 = number;
declare type StaticArray<T> = readonly T[];
