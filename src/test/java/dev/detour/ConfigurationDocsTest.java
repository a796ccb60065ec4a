package dev.detour;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents every key of every feature's {@code @ConfigMapping} under {@code
 * detour} (walked from the interfaces, maps as {@code <name>}), and documents no key that does not
 * exist.
 */
class ConfigurationDocsTest {

  @Test
  void everyKeyIsDocumentedAndEveryDocumentedKeyExists() throws Exception {
    List<String> keys = new ArrayList<>();
    for (Class<?> mapping : mappings()) {
      String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
      walk(mapping, mapping, prefix, keys);
    }
    String doc = Files.readString(Path.of("docs", "configuration.md"));
    for (String key : keys) {
      assertThat(doc).as("docs/configuration.md documents %s", key).contains("`" + key + "`");
    }
    Matcher documented = Pattern.compile("\\| `(detour\\.[^`]+)`").matcher(doc);
    while (documented.find()) {
      assertThat(keys)
          .as("%s exists in a configuration mapping", documented.group(1))
          .contains(documented.group(1));
    }
    assertThat(keys).hasSizeGreaterThan(90);
  }

  /** Every configuration mapping of Detour's, found among the compiled classes. */
  private static List<Class<?>> mappings() throws Exception {
    Path classes = Path.of("target", "classes");
    List<Class<?>> all = new ArrayList<>();
    try (var files = Files.walk(classes.resolve("dev/detour"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name =
            classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, ConfigurationDocsTest.class.getClassLoader());
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping != null && mapping.prefix().startsWith("detour")) {
          all.add(type);
        }
      }
    }
    assertThat(all).as("the features' configuration mappings").hasSizeGreaterThan(10);
    return all;
  }

  private static void walk(Class<?> root, Class<?> type, String prefix, List<String> keys) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      WithName name = m.getAnnotation(WithName.class);
      String key =
          m.isAnnotationPresent(WithParentName.class)
              ? prefix
              : prefix + "." + (name != null ? name.value() : kebab(m.getName()));
      Type t = m.getGenericReturnType();
      if (t instanceof ParameterizedType p && p.getRawType() == Map.class) {
        Type value = p.getActualTypeArguments()[1];
        if (value instanceof Class<?> c && c.isInterface() && c.getEnclosingClass() == root) {
          walk(root, c, key + ".<name>", keys);
        } else {
          keys.add(key + "." + (key.endsWith("templates") ? "<kind>" : "<name>"));
        }
      } else if (m.getReturnType().isInterface() && m.getReturnType().getEnclosingClass() == root) {
        walk(root, m.getReturnType(), key, keys);
      } else {
        keys.add(key);
      }
    }
  }

  private static String kebab(String s) {
    return s.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
