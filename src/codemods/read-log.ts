/**
 * A read-only view of plain data (JSON-like objects and arrays) that logs every read made through
 * it, and the check that another value gives the same answer to each of those reads. A pure
 * function of its input and what it read through the view computes the same result from any value
 * that answers the log the same way: the codemods' transforms are run ahead with provisional options
 * and their results kept only where the final options read alike.
 */

/** One read: the path to an object, what was asked of it, and the answer (as comparable text). */
export interface Read {
  path: readonly (string | number)[];
  /** `get`: a property's value; `has`: whether it exists; `keys`: its own keys. */
  op: 'get' | 'has' | 'keys';
  key?: string;
  answer: string;
}

type Plain = Record<string | symbol, unknown>;

/** The answer a value gives as text: primitives by value, objects by kind (their content is read further). */
function shape(value: unknown): string {
  if (value === null || typeof value !== 'object')
    return typeof value === 'function' ? 'function' : JSON.stringify([typeof value, value]);
  return Array.isArray(value) ? 'array' : 'object';
}

function answerOf(target: unknown, op: Read['op'], key: string | undefined): string {
  if (target === null || typeof target !== 'object') return 'absent';
  const o = target as Plain;
  if (op === 'keys') return JSON.stringify(Reflect.ownKeys(o).map(String));
  if (op === 'has') return String(key! in o);
  if (!Object.prototype.hasOwnProperty.call(o, key!)) return key! in o ? 'inherited' : 'missing';
  return shape(o[key!]);
}

/**
 * `view` reads like `value` and refuses writes; `reads` lists what was read through it, each read
 * once, in the order first made (the value is never written, so a read's answer does not change).
 * Symbol-keyed reads (iteration) are answered by the prototype, which plain data share.
 */
export function logReads<T extends object>(value: T): { view: T; reads: Read[] } {
  const reads: Read[] = [];
  // Each view has its own path array, shared by every read made through it.
  const seen = new Map<readonly (string | number)[], Set<string>>();
  const log = (r: Read): void => {
    const key = `${r.op}\0${r.key ?? ''}`;
    let keys = seen.get(r.path);
    if (!keys) seen.set(r.path, (keys = new Set()));
    if (keys.has(key)) return;
    keys.add(key);
    reads.push(r);
  };
  // One view per place in the value (an object reached by two paths gets two), made on first read.
  const wrap = (target: object, path: (string | number)[]): object => {
    const children = new Map<string, object>();
    const child = (key: string, value: object): object => {
      let view = children.get(key);
      if (!view) {
        view = wrap(value, [...path, Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key]);
        children.set(key, view);
      }
      return view;
    };
    return new Proxy(target, {
      get(t, key, receiver) {
        const v: unknown = Reflect.get(t, key, receiver);
        if (typeof key === 'symbol') return v;
        log({ path, op: 'get', key, answer: answerOf(t, 'get', key) });
        if (v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(t, key))
          return child(key, v);
        return v;
      },
      has(t, key) {
        if (typeof key !== 'symbol') log({ path, op: 'has', key, answer: answerOf(t, 'has', key) });
        return Reflect.has(t, key);
      },
      ownKeys(t) {
        log({ path, op: 'keys', answer: answerOf(t, 'keys', undefined) });
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, key) {
        const d = Reflect.getOwnPropertyDescriptor(t, key);
        if (typeof key === 'symbol' || !d) return d;
        // Object.entries asks for each key's descriptor, then reads the value through `get`; a
        // value read from the descriptor itself is a view too (plain data's properties are
        // configurable, so a proxy may report another value).
        log({ path, op: 'get', key, answer: answerOf(t, 'get', key) });
        const v: unknown = d.value;
        return d.configurable && v !== null && typeof v === 'object' ? { ...d, value: child(key, v) } : d;
      },
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
      setPrototypeOf: () => false,
    });
  };
  return { view: wrap(value, []) as T, reads };
}

/** Does `value` answer every read of the log as the value it was taken from did? */
export function readsAlike(reads: readonly Read[], value: unknown): boolean {
  for (const r of reads) {
    let at: unknown = value;
    for (const step of r.path) {
      if (at === null || typeof at !== 'object') return false;
      at = (at as Plain)[String(step)];
    }
    if (answerOf(at, r.op, r.key) !== r.answer) return false;
  }
  return true;
}
