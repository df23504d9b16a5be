/**
 * The zip reader (yauzl, zlib), loaded when an archive is read: most runs
 * read none, and loading it at every start cost each action a few
 * milliseconds of CPU (bench/cold-start.mjs).
 */
export const zipReader = () => import("./zip.js");
