// Resolves everything the Firebase emulators need to run on this machine,
// offline if necessary, and returns the environment for child processes.
//
//   import { emulatorEnv } from "./env.mjs";
//   const { env, notes } = await emulatorEnv();   // throws EmulatorSetupError with a clear message
//
// `node emulators/env.mjs` prints what was resolved (a quick diagnostic), and
// `node emulators/env.mjs --shell` prints `export` lines.
//
// Stock behaviour is kept whenever possible: an *_EMULATOR_BINARY_PATH override
// is only set when firebase-tools' own downloaded artefact is missing from its
// cache dir (FIREBASE_EMULATORS_PATH or ~/.cache/firebase/emulators), and never
// when the caller already set that variable.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CACHE = path.join(ROOT, "emulators", ".cache");
export const PROJECT_ID = "demo-cfap";
export const EMULATORS = "auth,functions,firestore,pubsub,storage,hosting,tasks,eventarc";
export const MIN_JAVA = 21;

export class EmulatorSetupError extends Error {}

// ---------------------------------------------------------------- Java
function javaMajor(javaBin) {
  try {
    const r = spawnSync(javaBin, ["-version"], { encoding: "utf8", timeout: 20000 });
    const out = `${r.stderr ?? ""}${r.stdout ?? ""}`;
    const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
    if (!m) return null;
    const major = Number(m[1]);
    return major === 1 ? Number(m[2]) : major; // "1.8.0" -> 8
  } catch {
    return null;
  }
}

function which(cmd, pathVar = process.env.PATH ?? "") {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Finds a JDK/JRE >= 21. Order: $JAVA_HOME, `java` on PATH, /usr/lib/jvm/*, /opt/java/*, /usr/local/*. Highest version wins among the directory scan. */
export function findJava() {
  const seen = [];
  const tryHome = (home, origin) => {
    if (!home) return null;
    const bin = path.join(home, "bin", "java");
    if (!fs.existsSync(bin)) return null;
    const major = javaMajor(bin);
    seen.push(`${bin} (${origin}): ${major ?? "unknown version"}`);
    if (major && major >= MIN_JAVA)
      return {
        home,
        bin,
        major,
        javac: fs.existsSync(path.join(home, "bin", "javac")) ? path.join(home, "bin", "javac") : null,
      };
    return null;
  };
  let found = tryHome(process.env.JAVA_HOME, "JAVA_HOME");
  if (found) return { ...found, seen };
  const onPath = which("java");
  if (onPath) {
    const real = fs.realpathSync(onPath);
    found = tryHome(path.dirname(path.dirname(real)), "PATH");
    if (found) return { ...found, seen };
  }
  const candidates = [];
  // CFAP_JVM_SCAN_DIRS (colon-separated) replaces the directory list; mainly for testing this detection.
  const scanDirs = process.env.CFAP_JVM_SCAN_DIRS
    ? process.env.CFAP_JVM_SCAN_DIRS.split(path.delimiter).filter(Boolean)
    : [
        "/usr/lib/jvm",
        "/opt/java",
        "/opt",
        "/usr/local",
        path.join(os.homedir(), ".jdks"),
        path.join(os.homedir(), ".sdkman/candidates/java"),
      ];
  for (const base of scanDirs) {
    let entries = [];
    try {
      entries = fs.readdirSync(base);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (base !== "/usr/lib/jvm" && !/jdk|jre|java|temurin|zulu|corretto/i.test(e)) continue;
      const home = path.join(base, e);
      if (candidates.some((c) => fs.realpathSync(c) === safeReal(home))) continue;
      candidates.push(home);
    }
  }
  let best = null;
  for (const home of candidates) {
    const j = tryHome(home, "scan");
    if (j && (!best || j.major > best.major)) best = j;
  }
  if (best) return { ...best, seen };
  return { seen };
}

function safeReal(p) {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

// ---------------------------------------------------------------- gcloud SDK
export function findGcloudSdk() {
  const candidates = [];
  if (process.env.CLOUDSDK_ROOT_DIR) candidates.push(process.env.CLOUDSDK_ROOT_DIR);
  if (which("gcloud")) {
    try {
      const out = execFileSync("gcloud", ["info", "--format=value(installation.sdk_root)"], {
        encoding: "utf8",
        timeout: 20000,
        stdio: ["ignore", "pipe", "ignore"],
        env: {
          ...process.env,
          CLOUDSDK_CORE_DISABLE_PROMPTS: "1",
          CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: "1",
        },
      }).trim();
      if (out) candidates.push(out);
    } catch {
      /* fall back to common paths */
    }
  }
  candidates.push(
    "/usr/lib/google-cloud-sdk",
    "/usr/share/google-cloud-sdk",
    "/opt/google-cloud-sdk",
    "/usr/local/google-cloud-sdk",
    "/google-cloud-sdk",
    path.join(os.homedir(), "google-cloud-sdk"),
  );
  for (const c of candidates) if (fs.existsSync(path.join(c, "platform"))) return c;
  return null;
}

// ---------------------------------------------------------------- firebase-tools cache
function firebaseToolsDir() {
  return path.join(ROOT, "node_modules", "firebase-tools");
}

export function firebaseCacheInfo() {
  const cacheDir =
    process.env.FIREBASE_EMULATORS_PATH || path.join(os.homedir(), ".cache", "firebase", "emulators");
  const infoPath = path.join(firebaseToolsDir(), "lib", "emulator", "downloadableEmulatorInfo.json");
  let info = {};
  try {
    info = JSON.parse(fs.readFileSync(infoPath, "utf8"));
  } catch {
    throw new EmulatorSetupError(
      `firebase-tools is not installed (missing ${infoPath}). Run \`npm ci\` (or \`npm install\`) at the repository root.`,
    );
  }
  const at = (rel) => (rel ? path.join(cacheDir, rel) : null);
  return {
    cacheDir,
    firestoreJar: at(info.firestore?.downloadPathRelativeToCacheDir),
    storageJar: at(info.storage?.downloadPathRelativeToCacheDir),
    pubsubZip: at(info.pubsub?.downloadPathRelativeToCacheDir),
    pubsubBin: at(info.pubsub?.binaryPathRelativeToCacheDir),
  };
}

// ---------------------------------------------------------------- tiny jar writer (stored zip)
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Writes an uncompressed zip (a valid jar) with the given entries [{name, data: Buffer}]. */
export function writeJar(file, entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const centralBuf = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([...locals, centralBuf, end]));
  fs.renameSync(tmp, file);
}

/** Manifest text with 72-byte line wrapping as the JAR spec requires. */
function manifest(attrs) {
  const lines = ["Manifest-Version: 1.0", "Created-By: cfap emulators/env.mjs"];
  for (const [k, v] of Object.entries(attrs)) lines.push(`${k}: ${v}`);
  const wrapped = [];
  for (const line of lines) {
    let rest = Buffer.from(line, "utf8");
    let first = true;
    while (rest.length > 0) {
      const room = first ? 72 : 71;
      wrapped.push((first ? "" : " ") + rest.subarray(0, room).toString("utf8"));
      rest = rest.subarray(room);
      first = false;
    }
  }
  return Buffer.from(wrapped.join("\r\n") + "\r\n\r\n", "utf8");
}

function stamp(parts) {
  return crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

/** Launcher jar for gcloud's Firestore emulator jar (which has no Main-Class). */
export function firestoreLauncherJar(gcloudJar) {
  const st = fs.statSync(gcloudJar);
  const id = stamp([gcloudJar, st.size, st.mtimeMs]);
  const out = path.join(CACHE, `firestore-launcher-${id}.jar`);
  if (!fs.existsSync(out)) {
    // Class-Path entries are URLs relative to the jar; an absolute path (leading "/") resolves to file:/...
    const classPath = encodeURI(gcloudJar.split(path.sep).join("/"));
    writeJar(out, [
      {
        name: "META-INF/MANIFEST.MF",
        data: manifest({
          "Main-Class": "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
          "Class-Path": classPath,
        }),
      },
    ]);
  }
  return out;
}

/** Jar whose Main-Class runs emulators/storage-rules-runtime/runtime.mjs with node. */
export function storageStandInJar(java) {
  const dir = path.join(ROOT, "emulators", "storage-rules-runtime");
  const src = path.join(dir, "CfapStorageRulesLauncher.java");
  const prebuilt = path.join(dir, "prebuilt", "CfapStorageRulesLauncher.class");
  const srcText = fs.readFileSync(src);
  const id = stamp([srcText.toString("utf8"), java.javac ? "javac" : "prebuilt"]);
  const out = path.join(CACHE, `storage-rules-standin-${id}.jar`);
  if (fs.existsSync(out)) return out;
  let classBytes;
  if (java.javac) {
    const classes = path.join(CACHE, `storage-rules-classes-${id}`);
    fs.mkdirSync(classes, { recursive: true });
    const r = spawnSync(java.javac, ["--release", String(MIN_JAVA), "-d", classes, src], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new EmulatorSetupError(`javac failed to compile ${src}:\n${r.stderr}`);
    classBytes = fs.readFileSync(path.join(classes, "CfapStorageRulesLauncher.class"));
  } else if (fs.existsSync(prebuilt)) {
    classBytes = fs.readFileSync(prebuilt);
  } else {
    throw new EmulatorSetupError(
      `no javac in ${java.home} and no ${prebuilt}: install a full JDK >= ${MIN_JAVA}.`,
    );
  }
  writeJar(out, [
    { name: "META-INF/MANIFEST.MF", data: manifest({ "Main-Class": "CfapStorageRulesLauncher" }) },
    { name: "CfapStorageRulesLauncher.class", data: classBytes },
  ]);
  return out;
}

// ---------------------------------------------------------------- main entry
const JAVA_HELP = `Install a JDK ${MIN_JAVA} or newer and point JAVA_HOME at it (or put its bin/ first on PATH):
  - Debian 13 / Ubuntu 24.04:  apt-get install -y openjdk-21-jdk-headless   (or openjdk-25-jdk-headless)
  - Debian 12 has no JDK >= 21 package: install Eclipse Temurin 21/25 (https://adoptium.net) under /usr/lib/jvm
  - macOS: brew install openjdk@21
firebase-tools 15 refuses Java < ${MIN_JAVA}.`;

/**
 * @param {{quiet?: boolean}} [opts]
 * @returns {Promise<{env: NodeJS.ProcessEnv, notes: string[], java: object}>}
 */
export async function emulatorEnv(opts = {}) {
  const notes = [];
  const env = { ...process.env };
  env.METADATA_SERVER_DETECTION = "none";
  env.GCLOUD_PROJECT = env.GCLOUD_PROJECT || PROJECT_ID;
  // Keep firebase-tools from phoning home / prompting.
  env.FIREBASE_CLI_DISABLE_UPDATE_CHECK = "true";
  env.NO_UPDATE_NOTIFIER = "1";

  const java = findJava();
  if (!java.bin) {
    throw new EmulatorSetupError(
      `No Java ${MIN_JAVA}+ found (the Firestore, Pub/Sub and Storage emulators need it).\nChecked:\n  ${
        java.seen.join("\n  ") || "(no java at all)"
      }\n${JAVA_HELP}`,
    );
  }
  env.JAVA_HOME = java.home;
  env.PATH = [path.join(java.home, "bin"), ...(process.env.PATH ?? "").split(path.delimiter)].join(
    path.delimiter,
  );
  notes.push(`java ${java.major}: ${java.home}`);

  const fc = firebaseCacheInfo();
  fs.mkdirSync(CACHE, { recursive: true });
  let sdk; // resolved lazily, only when an override is needed
  const gcloudSdk = () => (sdk === undefined ? (sdk = findGcloudSdk()) : sdk);

  // Firestore
  if (env.FIRESTORE_EMULATOR_BINARY_PATH) {
    notes.push(`firestore: caller override ${env.FIRESTORE_EMULATOR_BINARY_PATH}`);
  } else if (fc.firestoreJar && fs.existsSync(fc.firestoreJar)) {
    notes.push(`firestore: stock ${fc.firestoreJar}`);
  } else {
    const jar =
      gcloudSdk() &&
      path.join(gcloudSdk(), "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
    if (!jar || !fs.existsSync(jar)) {
      throw new EmulatorSetupError(
        `Firestore emulator not available offline: ${fc.firestoreJar} is missing and no Google Cloud CLI Firestore emulator was found.\n` +
          `Either run once with internet: npx firebase setup:emulators:firestore\n` +
          `or install the Google Cloud CLI component (apt: google-cloud-cli-firestore-emulator; or: gcloud components install cloud-firestore-emulator).`,
      );
    }
    env.FIRESTORE_EMULATOR_BINARY_PATH = firestoreLauncherJar(jar);
    notes.push(`firestore: gcloud ${jar} via launcher ${env.FIRESTORE_EMULATOR_BINARY_PATH}`);
  }

  // Pub/Sub
  if (env.PUBSUB_EMULATOR_BINARY_PATH) {
    notes.push(`pubsub: caller override ${env.PUBSUB_EMULATOR_BINARY_PATH}`);
  } else if ((fc.pubsubBin && fs.existsSync(fc.pubsubBin)) || (fc.pubsubZip && fs.existsSync(fc.pubsubZip))) {
    notes.push(`pubsub: stock ${fc.pubsubBin}`);
  } else {
    const bin =
      gcloudSdk() && path.join(gcloudSdk(), "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
    if (!bin || !fs.existsSync(bin)) {
      throw new EmulatorSetupError(
        `Pub/Sub emulator not available offline: ${fc.pubsubZip} is missing and no Google Cloud CLI Pub/Sub emulator was found.\n` +
          `Either run once with internet: npx firebase setup:emulators:pubsub\n` +
          `or install the Google Cloud CLI component (apt: google-cloud-cli-pubsub-emulator; or: gcloud components install pubsub-emulator).`,
      );
    }
    env.PUBSUB_EMULATOR_BINARY_PATH = bin;
    notes.push(`pubsub: gcloud ${bin}`);
  }

  // Storage rules runtime
  if (env.STORAGE_EMULATOR_BINARY_PATH) {
    notes.push(`storage rules: caller override ${env.STORAGE_EMULATOR_BINARY_PATH}`);
  } else if (fc.storageJar && fs.existsSync(fc.storageJar)) {
    notes.push(`storage rules: stock ${fc.storageJar}`);
  } else {
    env.STORAGE_EMULATOR_BINARY_PATH = storageStandInJar(java);
    env.CFAP_STORAGE_RULES_NODE = process.execPath;
    env.CFAP_STORAGE_RULES_SCRIPT = path.join(ROOT, "emulators", "storage-rules-runtime", "runtime.mjs");
    notes.push(
      `storage rules: LOCAL STAND-IN (not the real rules engine) ${env.STORAGE_EMULATOR_BINARY_PATH}`,
    );
  }

  if (!opts.quiet) for (const n of notes) console.log(`[emulators] ${n}`);
  return { env, notes, java };
}

/** Prints the error nicely and exits; use as `.catch(fatal)`. */
export function fatal(err) {
  if (err instanceof EmulatorSetupError) {
    console.error(`\n[emulators] setup problem:\n${err.message}\n`);
    process.exit(3);
  }
  console.error(err);
  process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const shell = process.argv.includes("--shell");
  emulatorEnv({ quiet: shell })
    .then(({ env }) => {
      if (!shell) return;
      for (const k of [
        "JAVA_HOME",
        "PATH",
        "METADATA_SERVER_DETECTION",
        "FIRESTORE_EMULATOR_BINARY_PATH",
        "PUBSUB_EMULATOR_BINARY_PATH",
        "STORAGE_EMULATOR_BINARY_PATH",
        "CFAP_STORAGE_RULES_NODE",
        "CFAP_STORAGE_RULES_SCRIPT",
      ]) {
        if (env[k]) console.log(`export ${k}=${JSON.stringify(env[k])}`);
      }
    })
    .catch(fatal);
}
