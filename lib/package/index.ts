/** Deployment packages for `deploy:function`: build or read the zip, hash it, pick the upload path. */
export { collectFiles, compileExcludes, DEFAULT_EXCLUDES, type CollectOptions, type CollectedFiles, type PackageFileEntry } from "./collect-files";
export { codeSha256 } from "./hash";
export {
  base64Length,
  LAMBDA_DIRECT_UPLOAD_MAX_REQUEST_BYTES,
  LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES,
  LAMBDA_MAX_UNZIPPED_BYTES,
  needsS3Upload,
  REQUEST_ENVELOPE_ALLOWANCE_BYTES,
} from "./limits";
export { checkZip, readZip } from "./read-zip";
export { extractZip } from "./extract-zip";
export { escapesDirectory, handlerFiles } from "./entry-names";
export { formatBytes } from "./format-bytes";
export { listZipEntries, ZipFormatError, type ZipEntry } from "./zip-entries";
export { EXECUTABLE_MODE, FILE_MODE, ZIP_EPOCH_DOS, zipDirectory, type ZipDirectoryOptions } from "./zip-directory";
