/**
 * The index's binary files (bm25.bin, vectors.bin): a magic string, the length of a JSON header,
 * the header, then typed arrays one after another, the first 4-byte aligned. Read into memory as
 * they are, without rebuilding anything.
 */

type ArrayType<T> = { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }

export function packArrays(magic: string, header: unknown, arrays: readonly ArrayBufferView[]): Buffer {
  const json = Buffer.from(JSON.stringify(header))
  const start = Buffer.alloc(Math.ceil((magic.length + 4 + json.length) / 4) * 4)
  start.write(magic, 0, 'latin1')
  start.writeUInt32LE(json.length, magic.length)
  json.copy(start, magic.length + 4)
  return Buffer.concat([start, ...arrays.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength))])
}

/** The header of a file `packArrays` wrote, and its arrays in order (`take`), each checked to be there. */
export function unpackArrays<H>(file: Buffer, magic: string, what: string): { header: H; take: <T>(Type: ArrayType<T>, length: number) => T } {
  if (file.toString('latin1', 0, magic.length) !== magic) throw new Error(`not a ${what} file of this format`)
  const headerLength = file.readUInt32LE(magic.length)
  const header = JSON.parse(file.toString('utf8', magic.length + 4, magic.length + 4 + headerLength)) as H
  let at = Math.ceil((magic.length + 4 + headerLength) / 4) * 4
  // Copied out of the file's buffer: a view would need it 4-byte aligned, which readFile does not promise.
  const take = <T>(Type: ArrayType<T>, length: number): T => {
    const size = length * Type.BYTES_PER_ELEMENT
    if (at + size > file.length) throw new Error(`${what} file is truncated`)
    const copy = new ArrayBuffer(size)
    new Uint8Array(copy).set(file.subarray(at, at + size))
    at += size
    return new Type(copy)
  }
  return { header, take }
}
