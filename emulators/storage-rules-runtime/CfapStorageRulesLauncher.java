// Local stand-in launcher for the Cloud Storage emulator's "rules runtime".
//
// firebase-tools starts its storage rules runtime as
//   java -Djava.security.manager=disallow -Duser.language=en -jar <STORAGE_EMULATOR_BINARY_PATH> serve
// The real runtime jar is downloaded on first use, which cannot happen offline.
// emulators/env.mjs compiles this class into a tiny jar and points
// STORAGE_EMULATOR_BINARY_PATH at it. All it does is run the Node stand-in
// (emulators/storage-rules-runtime/runtime.mjs) with the same stdin/stdout, so
// firebase-tools talks its JSON line protocol to Node instead of the real engine.
//
// Environment (set by emulators/env.mjs):
//   CFAP_STORAGE_RULES_NODE    path of the node binary (default: "node")
//   CFAP_STORAGE_RULES_SCRIPT  absolute path of runtime.mjs (required)
import java.util.ArrayList;
import java.util.List;

public final class CfapStorageRulesLauncher {
  public static void main(String[] args) throws Exception {
    String node = System.getenv().getOrDefault("CFAP_STORAGE_RULES_NODE", "node");
    String script = System.getenv("CFAP_STORAGE_RULES_SCRIPT");
    if (script == null || script.isEmpty()) {
      System.err.println("CFAP storage rules stand-in: CFAP_STORAGE_RULES_SCRIPT is not set (start the stack via emulators/start.mjs or emulators/exec.mjs)");
      System.exit(2);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(node);
    cmd.add(script);
    for (String a : args) cmd.add(a);
    final Process child = new ProcessBuilder(cmd).inheritIO().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (child.isAlive()) child.destroy();
    }));
    System.exit(child.waitFor());
  }
}
