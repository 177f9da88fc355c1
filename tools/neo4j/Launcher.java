// Persistent Neo4j 5.26 Community DBMS for development and CI (no Docker needed).
//
// Run (normally via neo4j.sh):
//   java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
//        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
//        -Xms512m -Xmx1g -cp 'lib/*' Launcher.java [HOME] [PORT]
//
// HOME defaults to tools/neo4j/data (relative to this file's folder when run from there),
// PORT to $NEO4J_BOLT_PORT or 7687. Env: NEO4J_PASSWORD (default referral-graph-dev),
// NEO4J_PAGECACHE (default 512m). Data lives under HOME/data; logs under HOME/logs.

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public class Launcher {
    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return (v == null || v.isBlank()) ? dflt : v.trim();
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Throwable t) {
            System.out.println("NEO4J FAILED: " + t);
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(1); // runs the shutdown hook if the DBMS was built; Neo4j threads are non-daemon
        }
    }

    static void run(String[] args) throws Exception {
        Path home = Path.of(args.length > 0 ? args[0] : "data").toAbsolutePath().normalize();
        int port = Integer.parseInt(args.length > 1 ? args[1] : env("NEO4J_BOLT_PORT", "7687"));
        String password = env("NEO4J_PASSWORD", "referral-graph-dev");
        long pageCache = ByteUnit.parse(env("NEO4J_PAGECACHE", "512m"));
        Files.createDirectories(home);

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Keep transaction logs to what recovery needs plus a little: by default
                // Neo4j keeps them all, and the benchmarks grew them to 20 GB here.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, env("NEO4J_TX_LOG_RETENTION", "1G size"))
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(128))
                // Internal settings: on shutdown Bolt otherwise waits 5 s for each Netty event
                // loop group (boss, worker), after the databases are already checkpointed and
                // closed; 1 s keeps `stop` at ~3-5 s (a harmless "exceeded maximum permitted
                // duration" WARN is logged).
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("NEO4J STOPPING");
            try {
                service.shutdown();
            } finally {
                System.out.println("NEO4J STOPPED");
                System.out.flush();
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        setPassword(service, password);

        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(120_000)) {
            throw new IllegalStateException("database 'neo4j' not available after 120 s");
        }
        System.out.println("NEO4J READY bolt://127.0.0.1:" + port + " home=" + home
                + " pagecache=" + pageCache + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }

    // Idempotent: on restarts the password may already be the requested one, which
    // Neo4j rejects ("Old password and new password cannot be the same").
    static void setPassword(DatabaseManagementService service, String password) {
        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            System.out.println("NEO4J password for user neo4j set");
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage()) + " " + String.valueOf(e.getCause());
            if (msg.toLowerCase().contains("cannot be the same")) {
                System.out.println("NEO4J password for user neo4j unchanged (already set)");
            } else {
                throw e;
            }
        }
    }
}
