# Turns the numbered schema/*.sql files into a C++ source file, so the binary
# carries its own migrations and never reads SQL from disk at run time.
# Usage: cmake -DOUT=<file.cc> -DSQL_FILES="a.sql;b.sql" -P embed.cmake
# Optional (for the PostgreSQL schema, schema/pg/): -DHEADER=<include path>
# -DFUNCTION=<name> -DTYPE=<element type>, defaults the SQLite schema's.
if(NOT HEADER)
  set(HEADER "vault/storage/schema.h")
endif()
if(NOT FUNCTION)
  set(FUNCTION "SchemaMigrations")
endif()
if(NOT TYPE)
  set(TYPE "Migration")
endif()
set(body "// Generated from schema/*.sql by schema/embed.cmake. Do not edit.\n#include \"${HEADER}\"\n\nnamespace akv {\n\nconst std::vector<${TYPE}>& ${FUNCTION}() {\n  static const std::vector<${TYPE}> kMigrations = {\n")
foreach(file IN LISTS SQL_FILES)
  get_filename_component(name "${file}" NAME)
  string(REGEX MATCH "^([0-9]+)_" _ "${name}")
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ "${file}" sql)
  string(APPEND body "      {${version}, \"${name}\", R\"akvsql(${sql})akvsql\"},\n")
endforeach()
string(APPEND body "  };\n  return kMigrations;\n}\n\n}  // namespace akv\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
