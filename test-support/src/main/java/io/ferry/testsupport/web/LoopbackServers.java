package io.ferry.testsupport.web;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Starts and closes the {@link Loopback} servers of the test instance (and of its enclosing instances). */
final class LoopbackServers implements BeforeEachCallback, AfterEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    for (MockWebServer server : servers(context)) {
      // The loopback address, not "localhost": the tests name the server as http://127.0.0.1:<port>.
      server.start(InetAddress.getLoopbackAddress(), 0);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    servers(context).forEach(MockWebServer::close);
  }

  private static List<MockWebServer> servers(ExtensionContext context) {
    List<MockWebServer> servers = new ArrayList<>();
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> c = instance.getClass(); c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!f.isAnnotationPresent(Loopback.class)) {
            continue;
          }
          if (f.getType() != MockWebServer.class || Modifier.isStatic(f.getModifiers())) {
            throw new ExtensionConfigurationException("@Loopback belongs on an instance field of type MockWebServer: " + f);
          }
          try {
            f.setAccessible(true);
            servers.add((MockWebServer) f.get(instance));
          } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("cannot read @Loopback field " + f, e);
          }
        }
      }
    }
    return servers;
  }
}
