package t2j.kernel;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.ConfigurationProperties;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.SimpleArtifactDescriptorPolicy;

/**
 * What {@code %maven} resolves with: Maven's own resolver (the one {@code mvn} uses, so version ranges, BOMs,
 * parent POMs and exclusions behave as in a build), against Maven Central, into a local repository that is reused
 * offline: a release already there is never downloaded again.
 */
final class MavenResolver {
    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private final Path localRepository;
    private final String remoteUrl;
    private RepositorySystem system;

    /**
     * @param localRepository the cache, by default Maven's own {@code ~/.m2/repository}, so what a build fetched is
     *                        reused
     * @param remoteUrl       Maven Central, or a mirror of it
     */
    MavenResolver(Path localRepository, String remoteUrl) {
        this.localRepository = localRepository;
        this.remoteUrl = remoteUrl;
    }

    /**
     * T2J_MAVEN_REPO: the local repository (default {@code ~/.m2/repository}); T2J_MAVEN_REMOTE: the repository to
     * download from (default Maven Central), e.g. a company mirror.
     */
    static MavenResolver fromEnv(Map<String, String> env) {
        String local = env.getOrDefault("T2J_MAVEN_REPO", "").strip();
        String remote = env.getOrDefault("T2J_MAVEN_REMOTE", "").strip();
        return new MavenResolver(
                local.isEmpty() ? Path.of(System.getProperty("user.home"), ".m2", "repository") : Path.of(local),
                remote.isEmpty() ? CENTRAL : remote);
    }

    Path localRepository() {
        return localRepository;
    }

    /** The jars of {@code coordinates} and of everything they need at run time, in class path order. */
    synchronized List<Path> resolve(List<String> coordinates) {
        if (system == null) {
            system = new RepositorySystemSupplier().get();
        }
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        session.setLocalRepositoryManager(
                system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
        // A POM that cannot be read must fail the resolution, not silently drop its dependencies.
        session.setArtifactDescriptorPolicy(new SimpleArtifactDescriptorPolicy(false, false));
        session.setSystemProperties(System.getProperties());
        session.setConfigProperty(ConfigurationProperties.CONNECT_TIMEOUT, 10_000);
        session.setConfigProperty(ConfigurationProperties.REQUEST_TIMEOUT, 60_000);
        // The id stays "central" for a mirror too: the local repository records which repository a file came from.
        RemoteRepository central = new RemoteRepository.Builder("central", "default", remoteUrl).build();
        CollectRequest collect = new CollectRequest();
        for (String coordinate : coordinates) {
            collect.addDependency(new Dependency(artifact(coordinate), JavaScopes.RUNTIME));
        }
        collect.addRepository(central);
        DependencyRequest request =
                new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        try {
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult result :
                    system.resolveDependencies(session, request).getArtifactResults()) {
                jars.add(result.getArtifact().getFile().toPath());
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new IllegalArgumentException(explain(coordinates, e), e);
        }
    }

    private static DefaultArtifact artifact(String coordinate) {
        try {
            return new DefaultArtifact(coordinate);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("%maven: '" + coordinate
                    + "' is not group:artifact:version (or group:artifact:extension[:classifier]:version)");
        }
    }

    private String explain(List<String> coordinates, DependencyResolutionException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException
                    || t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException) {
                return "%maven: cannot reach " + remoteUrl + " (" + t + ") and " + String.join(" ", coordinates)
                        + " is not all in the local cache " + localRepository
                        + ". Connect once; later sessions reuse the cache offline.";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ArtifactNotFoundException) {
                return "%maven: " + ((ArtifactNotFoundException) t).getArtifact() + " does not exist on " + remoteUrl
                        + " (check the group, artifact and version, e.g. on https://central.sonatype.com)";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "%maven: could not resolve " + String.join(" ", coordinates) + ": " + root.getMessage();
    }
}
