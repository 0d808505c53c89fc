/**
 * A wheelhouse of stand-in wheels for voiceapp311's requirements, built in a
 * temporary directory, for offline installs (PyPI is unreachable here):
 * `PIP_NO_INDEX=1 PIP_FIND_LINKS=<dir>`.
 *
 * Each wheel is what pip needs to install it (`<name>-<ver>.dist-info/` with
 * METADATA, WHEEL and RECORD) and modules that provide exactly the names the
 * skill's code uses at import time and on a LaunchRequest (read from
 * voiceapp311's mycity/: `import requests`, `from arcgis.gis import GIS`
 * with `GIS()` called at import, `from streetaddress import
 * StreetAddressParser`, …). They are `py3-none-any`, so pip takes them for
 * any runtime and architecture. Dependencies are declared as the real
 * packages declare them (requests on certifi, chardet, idna, urllib3;
 * usaddress on python-crfsuite), so an install with dependencies resolves
 * through the wheelhouse as it would through PyPI.
 */
import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ZipFile } from "yazl";

export interface StandInWheel {
  /** The distribution name as in requirement files ("python-dateutil"). */
  name: string;
  version: string;
  /** Module path ("dateutil/parser.py") → source. */
  modules: Record<string, string>;
  requires?: string[];
}

const NO_NETWORK = `def _offline(*args, **kwargs):\n    raise RuntimeError("stand-in package: no network in the package check")\n`;

/** voiceapp311's requirements (mycity/deploy_tools/requirements*.txt) and what its code needs of them. */
export const VOICEAPP311_WHEELS: readonly StandInWheel[] = [
  { name: "certifi", version: "2017.7.27.1", modules: { "certifi/__init__.py": "def where():\n    return ''\n" } },
  { name: "chardet", version: "3.0.4", modules: { "chardet/__init__.py": "__version__ = '3.0.4'\n" } },
  { name: "codecov", version: "2.0.15", modules: { "codecov/__init__.py": "" }, requires: ["requests", "coverage"] },
  { name: "coverage", version: "4.5.1", modules: { "coverage/__init__.py": "" } },
  { name: "idna", version: "2.6", modules: { "idna/__init__.py": "" } },
  { name: "nose", version: "1.3.7", modules: { "nose/__init__.py": "" } },
  {
    name: "requests",
    version: "2.22.0",
    modules: { "requests/__init__.py": `${NO_NETWORK}get = post = put = delete = request = _offline\nclass RequestException(Exception):\n    pass\n` },
    requires: ["certifi>=2017.4.17", "chardet<3.1.0,>=3.0.2", "idna<2.9,>=2.5", "urllib3!=1.25.0,!=1.25.1,<1.26,>=1.21.1"],
  },
  { name: "six", version: "1.11.0", modules: { "six.py": "PY3 = True\n" } },
  { name: "street-address", version: "0.3.0", modules: { "streetaddress/__init__.py": "class StreetAddressParser:\n    def parse(self, text):\n        return {}\n" } },
  {
    name: "usaddress",
    version: "0.5.0",
    modules: { "usaddress/__init__.py": "class RepeatedLabelError(Exception):\n    pass\ndef tag(text, tag_mapping=None):\n    return {}, 'Ambiguous'\ndef parse(text):\n    return []\n" },
    requires: ["python-crfsuite>=0.7"],
  },
  // The real one is compiled (cp37 in voiceapp311's linux_wheels); a pure stand-in for any Python.
  { name: "python-crfsuite", version: "0.9.7", modules: { "pycrfsuite/__init__.py": "class Tagger:\n    pass\n" } },
  { name: "urllib3", version: "1.25.11", modules: { "urllib3/__init__.py": "" } },
  { name: "beautifulsoup4", version: "4.6.0", modules: { "bs4/__init__.py": "class BeautifulSoup:\n    def __init__(self, markup='', features=None):\n        self.markup = markup\n" } },
  { name: "python-dateutil", version: "2.8.0", modules: { "dateutil/__init__.py": "", "dateutil/parser.py": "def parse(text, *args, **kwargs):\n    raise ValueError(text)\n" }, requires: ["six>=1.5"] },
  { name: "pytz", version: "2017.3", modules: { "pytz/__init__.py": "import datetime\nUTC = utc = datetime.timezone.utc\ndef timezone(name):\n    return datetime.timezone(datetime.timedelta(hours=-5), name)\n" } },
  {
    name: "arcgis",
    version: "1.4.0",
    modules: {
      "arcgis/__init__.py": "",
      "arcgis/gis.py": "class GIS:\n    def __init__(self, *args, **kwargs):\n        pass\n",
      "arcgis/features.py": "class FeatureLayer:\n    def __init__(self, url, gis=None):\n        self.url = url\n",
      "arcgis/geocoding.py": `${NO_NETWORK}geocode = reverse_geocode = _offline\n`,
      "arcgis/geometry.py": "class Point(dict):\n    pass\n",
    },
    // The real arcgis needs many packages; voiceapp311 installs it with --no-deps (requirements_no_deps.txt).
    requires: ["a-package-that-is-not-in-the-wheelhouse"],
  },
];

/** The file name pip expects: dashes in the name become underscores. */
export function wheelFileName(wheel: Pick<StandInWheel, "name" | "version">): string {
  return `${wheel.name.replace(/[-.]+/g, "_")}-${wheel.version}-py3-none-any.whl`;
}

/** Writes one wheel into `dir`; returns its path. */
export async function writeWheel(dir: string, wheel: StandInWheel): Promise<string> {
  const distInfo = `${wheel.name.replace(/[-.]+/g, "_")}-${wheel.version}.dist-info`;
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${wheel.name}`,
    `Version: ${wheel.version}`,
    "Summary: stand-in for tests of alexa-skill-pipeline",
    ...(wheel.requires ?? []).map((r) => `Requires-Dist: ${r}`),
    "",
  ].join("\n");
  const files: [string, string][] = [
    ...Object.entries(wheel.modules),
    [`${distInfo}/METADATA`, metadata],
    [`${distInfo}/WHEEL`, "Wheel-Version: 1.0\nGenerator: alexa-skill-pipeline-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"],
  ];
  const record = [
    ...files.map(([name, text]) => `${name},sha256=${createHash("sha256").update(text).digest("base64url")},${Buffer.byteLength(text)}`),
    `${distInfo}/RECORD,,`,
    "",
  ].join("\n");
  files.push([`${distInfo}/RECORD`, record]);
  const zip = new ZipFile();
  const mtime = new Date(1980, 0, 1);
  for (const [name, text] of files) zip.addBuffer(Buffer.from(text), name, { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const file = path.join(dir, wheelFileName(wheel));
  await writeFile(file, Buffer.concat(chunks));
  return file;
}

/** A new temporary wheelhouse with `wheels` (default: voiceapp311's stand-ins); returns its directory. */
export async function buildWheelhouse(wheels: readonly StandInWheel[] = VOICEAPP311_WHEELS): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "wheelhouse-"));
  for (const wheel of wheels) await writeWheel(dir, wheel);
  return dir;
}

/** pip's environment for an offline install from `wheelhouse` (and nothing else). */
export function offlinePipEnv(wheelhouse: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PIP_NO_INDEX: "1", PIP_FIND_LINKS: wheelhouse, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_ROOT_USER_ACTION: "ignore" };
}
