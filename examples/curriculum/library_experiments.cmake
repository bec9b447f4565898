# Curriculum experiments 02, 05, 10, 11 and 12 (examples/curriculum/): built
# with the other examples and run by CTest (label "examples") with settings
# small enough for a few seconds each; each exits non-zero when its lesson
# does not hold. Outputs go to runs/ under the build directory.
include_guard(GLOBAL)
set(curriculum_library_experiments 02_linear_models 05_vanishing_gradients 10_learning_rate
                                   11_hyperparameters 12_evaluation)
foreach(experiment IN LISTS curriculum_library_experiments)
  add_executable(${experiment} ${CMAKE_CURRENT_LIST_DIR}/${experiment}.cpp)
  target_link_libraries(${experiment} PRIVATE nabla::nabla nabla_flags)
endforeach()

if(NABLA_BUILD_TESTS)
  set(curriculum_args_02_linear_models --epochs 40 --samples 120)
  set(curriculum_args_05_vanishing_gradients --epochs 25 --samples 256)
  set(curriculum_args_10_learning_rate --epochs 25 --samples 200 --steps 150)
  set(curriculum_args_11_hyperparameters --samples 160 --epochs 15 --folds 3 --trials 4)
  set(curriculum_args_12_evaluation --epochs 20)
  foreach(experiment IN LISTS curriculum_library_experiments)
    add_test(NAME example.curriculum.${experiment}
             COMMAND ${experiment} ${curriculum_args_${experiment}} --out
                     runs/curriculum/${experiment}
             WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties(example.curriculum.${experiment} PROPERTIES LABELS examples TIMEOUT 600)
  endforeach()
endif()
