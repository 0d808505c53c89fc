/**
 * What a zip entry's name says about where it lands, shared by whatever
 * reads or extracts packages, so that there is one definition of each.
 */

/** True for a name that would be written outside the directory the zip unpacks into: absolute, a drive letter, or with "..": the "zip slip". */
export function escapesDirectory(name: string): boolean {
  return name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes("..");
}

/** The files a Python handler "module.function" can live in, relative to the zip root. */
export function handlerFiles(handler: string): string[] {
  const modulePath = handler.slice(0, handler.lastIndexOf(".")).split(".").join("/");
  return [`${modulePath}.py`, `${modulePath}/__init__.py`];
}
